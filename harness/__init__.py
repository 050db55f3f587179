"""What tests and benchmarks share: a real Streamlit server and a Chromium to drive it."""
