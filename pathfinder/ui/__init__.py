"""The Streamlit layer: the only part of Pathfinder that imports streamlit."""
