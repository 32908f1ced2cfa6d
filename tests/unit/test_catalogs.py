import json
import shutil
from decimal import Decimal

import pytest

from pricing import DEFAULT_CATALOG_DIR, SAMPLE_SOURCE, CatalogError, load_catalog, load_catalogs


def test_every_price_names_its_source(catalogs):
    rule_like = ("FR-", "FK-", "MED-", "RA-", "FAM-", "CAL-")
    for catalog in catalogs.values():
        sources = [p.source for t in catalog.tariffs for p in t.prices]
        sources += [a.source for a in catalog.addons] + [c.price.source for c in catalog.configurations if c.price]
        assert sources, catalog.provider
        assert all(s == SAMPLE_SOURCE or s.startswith(rule_like) for s in sources), catalog.provider


def test_replacement_catalog_directory_changes_prices(tmp_path):
    shutil.copytree(DEFAULT_CATALOG_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "rarus.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["configurations"][0]["price"] = {"amount": "1300", "source": "sample"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_catalogs(tmp_path)["rarus"].configuration("bp").price.amount == Decimal("1300")


def test_malformed_catalog_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "rarus.json"
    data = json.loads((DEFAULT_CATALOG_DIR / "rarus.json").read_text(encoding="utf-8"))
    data["configurations"][0]["price"] = {"amount": "-5", "source": "sample"}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError, match="negative"):
        load_catalog(path)
    del data["currency"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError, match="rarus.json.*currency"):
        load_catalog(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        load_catalog(path)
