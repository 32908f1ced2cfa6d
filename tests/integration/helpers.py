from __future__ import annotations

RU_CUSTOMER = {
    "legal_name": "ООО Ромашка",
    "country": "RU",
    "inn": "7707083893",
    "kpp": "773601001",
    "email": "buh@romashka.ru",
    "phone": "+7 916 123-45-67",
    "new_to_1c": True,
}
KZ_CUSTOMER = {"legal_name": "ТОО Береке", "country": "KZ", "bin_iin": "971240001315", "email": "info@bereke.kz"}


def count(client, headers) -> int:
    return client.get("/api/v1/customers", headers=headers).json()["total"]
