"""The web pages, in Russian, on the same app and services as the API (issue 13): Вход, Обзор (/),
Подбор и расчёт (/quote), Клиенты (/customers), Сверка (/reconciliations). Server-rendered Jinja2 with
htmx for partial updates; every script and style served from the package (hub/web/static), Swagger UI's
assets too, so nothing needs a network.

Public surface: ``hub.web.setup.web(settings)`` — the routes, session middleware, CSRF config, templates
and exception handlers ``create_app`` adds; ``hub.web.auth`` (signing in, ``web_caller``, ``require``);
``hub.web.formatting`` (the Russian money and date filters).
"""
