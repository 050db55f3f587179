# Data PM Pathfinder in a container. Progress goes to PostgreSQL: set
# PATHFINDER_DATABASE_URL (see README, "Deploying"). Build and run:
#   docker build -t pathfinder .
#   docker run -p 8501:8501 -e PATHFINDER_DATABASE_URL=postgresql+psycopg://... pathfinder
FROM python:3.11-slim

COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PYTHONUNBUFFERED=1

WORKDIR /app
# Dependencies first, from the lock file only, so code changes reuse this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY README.md dashboard.py ./
COPY pathfinder ./pathfinder
COPY pages ./pages
COPY content ./content
COPY .streamlit/config.hosted.toml ./.streamlit/config.toml
RUN uv sync --frozen --no-dev

# Validate the content at build time (a broken file fails the build) and keep the result,
# so every container starts without validating it again.
ENV PATHFINDER_CACHE_DIR=/app/.cache/content
RUN .venv/bin/python -c "from pathfinder.content import load_content_cached; load_content_cached()" \
    && chmod -R a+rX /app/.cache

# A container's own disk disappears with it: refuse SQLite unless a volume is mounted
# and this is set to 0 with PATHFINDER_DATABASE_URL=sqlite:////data/pathfinder.db.
# PATHFINDER_HOSTED=1: never serve in local mode (one profile for everyone); without
# [auth] or trusted headers the app refuses visitors and /_pathfinder/ready says why.
ENV PATH="/app/.venv/bin:$PATH" \
    PATHFINDER_REQUIRE_DURABLE=1 \
    PATHFINDER_HOSTED=1

RUN useradd --create-home --uid 10001 pathfinder
USER pathfinder

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).status == 200 else 1)"]
CMD ["streamlit", "run", "dashboard.py", "--server.address=0.0.0.0", "--server.port=8501"]
