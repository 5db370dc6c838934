# The API image: the locked dependencies, the source, `migrate` then `serve`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY api ./api
COPY schema.graphql README.md ./

RUN useradd --system --uid 10001 ecuapass
USER ecuapass

EXPOSE 8000
CMD ["sh", "-c", "python -m api migrate && exec python -m api serve"]
