"""Data PM Pathfinder: the router and the frame every page shares.

`streamlit run dashboard.py` uses this file twice: it imports it once as a module to serve
`app` (Streamlit plus the parts in pathfinder.ui.server), and then runs it as `__main__`
on every script run, where it routes to the page asked for.
"""

from __future__ import annotations

import streamlit as st

from pathfinder.ui.routes import PAGE_PATHS, ROUTES, streamlit_pages

if __name__ != "__main__":
    from pathfinder.ui import server

    app = st.App(
        __file__,
        routes=server.routes(),
        middleware=server.middleware(PAGE_PATHS),
        lifespan=server.lifespan,
    )
else:
    from collections.abc import Callable

    from pathfinder.ui.deployment import configuration, refusal
    from pathfinder.ui.frame import page_frame
    from pathfinder.ui.visitor import resolve_visitor, serving

    st.set_page_config(
        page_title="Data PM Pathfinder",
        page_icon=":material/explore:",
        layout="centered",
        initial_sidebar_state="auto",
    )

    PAGES = streamlit_pages(ROUTES)
    # A share link opens what the owner shows a mentor; nothing there can change anything.
    VIEWER_PAGES = streamlit_pages(route for route in ROUTES if route.shown_to_viewers)

    def on_every_address(draw: Callable[[], None], title: str) -> None:
        """Serve `draw` as the only page, under every page's address (no "page not found")."""
        st.navigation(
            [st.Page(draw, title=title, url_path=path, default=not path) for path in PAGE_PATHS],
            position="hidden",
        )

    # Environment, secrets and config, read once for the run.
    config = configuration()
    refused = refusal(config)
    if refused is not None:
        # A deployment that must serve no one (say, marked hosted but without sign-in) shows
        # the operator's message on every address, and runs nothing that reads progress.
        on_every_address(refused, "Not available")
        refused()
        st.stop()
    # Who this is, resolved once for the whole run; the page gets the same object.
    who, gate = resolve_visitor(config)
    if gate is not None:
        # Anonymous visitors, unusable share links and visitors from the network in local
        # mode get the gate under every page's address, so a deep link shows it and stays
        # in the address bar for the sign-in to return to; no page script (and so no
        # progress) runs.
        on_every_address(gate, "Welcome")
        page_frame(who)
        gate()
    else:
        page = st.navigation(VIEWER_PAGES if who.viewer else PAGES)
        page_frame(who)
        with serving(who):
            page.run()
