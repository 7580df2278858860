# BigQuery emulator (bqemulator) for docker/compose.yaml: the same pinned version and constraints as
# stack/ (BQEMULATOR_VERSION in stack/versions.env, stack/bigquery/requirements.txt) and the same launcher.
FROM python:3.11-slim
ARG BQEMULATOR_VERSION
WORKDIR /emulator
COPY stack/bigquery/requirements.txt stack/bigquery/launch.py ./
RUN pip install --no-cache-dir -c requirements.txt "bqemulator==${BQEMULATOR_VERSION}" numpy
# Avro would be downloaded at start (not wanted in a pinned stack); loads use Parquet.
ENV BQEMU_ENABLE_FORMAT_EXTENSIONS=false
CMD ["python", "launch.py", "start", "--rest-host", "0.0.0.0", "--rest-port", "9050", "--grpc-host", "0.0.0.0", "--grpc-port", "9060", \
     "--persistent", "--data-dir", "/data", "--project", "factory-local", "--log-level", "warning", "--log-format", "console"]
