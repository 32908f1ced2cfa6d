FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml ./
COPY hub hub
COPY pricing pricing
COPY providers providers
COPY adapters adapters
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["hub", "serve", "--host", "0.0.0.0", "--port", "8000"]
