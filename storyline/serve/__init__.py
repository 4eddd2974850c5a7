"""Storyline as a service: the HTTP API, the web UI and feeds (``storyline serve``).

    app.py       create_app(settings) -> FastAPI: the one app, wired
    access.py    one read Engine per thread, one writer thread, story listings kept
    cache.py     whole responses kept until the database changes
    api.py       /api/v1/...: JSON routes; models.py their schemas
    pages.py     the web UI's pages; views.py and charts.py what they compute;
                 templates/ and static/ what they send
    entities.py  the one place that asks the story cards for entities and cards
    security.py  body size limit, security headers, the write token
    errors.py    errors as JSON under /api, as a page elsewhere
    server.py    binding the address and running uvicorn
    feeds.py     Atom and JSON Feed (from the watch work)
"""
