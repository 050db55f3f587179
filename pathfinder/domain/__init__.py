"""Pure functions on content and progress DataFrames, one module per subject.

``plan`` (steps joined to progress, how much is done), ``pace`` (finish forecast, burn-up),
``activity`` (study days, streak, calendar), ``skills`` (ratings, targets, gaps),
``case_study`` and ``glossary``; ``dates`` words dates the same on every server. Every
function takes DataFrames shaped as in ``docs/architecture.md`` and returns new ones;
nothing is cached or mutated, so any Streamlit session can call them from any thread.
"""
