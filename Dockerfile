# syntax=docker/dockerfile:1
# Both images, built from a clean checkout with nothing but Docker (BuildKit): one builder stage runs Maven on a
# pinned Maven + JDK image, and each image takes what it needs from it. From the repository root (make images
# does, tagged with the chart's appVersion unless IMAGE_TAG says otherwise; the second build reuses the first's
# builder stage from the cache):
#   docker build --target operator -t castiron-etl-operator:0.1.0 .
#   docker build --target runner -t castiron-etl-runner:0.1.0 .
# Base images are pinned by version tag; pin them by digest as well with --build-arg BUILDER_IMAGE=...@sha256:...
# and BASE_IMAGE=...@sha256:... (the digests `docker buildx imagetools inspect` prints), e.g. in a release pipeline.
ARG BUILDER_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG BASE_IMAGE=eclipse-temurin:17.0.16_8-jre-noble
# The images' numeric, non-root user (each stage that uses it names it again with ARG UID).
ARG UID=10001

FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY . .
# The Maven repository is a build cache (not a layer), so a rebuild downloads only what changed.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -pl operator,runner,examples/java -am -Dmaven.test.skip=true package

# What both images share: the JRE only (no JDK, no Maven, no package manager caches) and a numeric, non-root user,
# so that Kubernetes' runAsNonRoot can verify it.
FROM ${BASE_IMAGE} AS base
ARG UID
RUN groupadd --system --gid ${UID} castiron \
 && useradd --system --uid ${UID} --gid ${UID} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin castiron

# The operator: the Quarkus fast-jar.
FROM base AS operator
ARG UID
WORKDIR /opt/castiron/operator
# Layers from the least to the most often changed.
COPY --from=build --chown=root:root /src/operator/target/quarkus-app/lib/ lib/
COPY --from=build --chown=root:root /src/operator/target/quarkus-app/quarkus/ quarkus/
COPY --from=build --chown=root:root /src/operator/target/quarkus-app/app/ app/
COPY --from=build --chown=root:root /src/operator/target/quarkus-app/quarkus-run.jar quarkus-run.jar
# The root filesystem may be read-only (the Helm chart mounts an emptyDir on /tmp).
# C1 only: an operator is mostly waiting on the API server and S3, and C2 kept compiling for thousands of files
# (make bench: a third of the operator's CPU after 500 files; C1 halved its CPU per file for the first 400).
# ExitOnOutOfMemoryError: a JVM that ran out of heap may have lost any thread (an informer's, the leader
# election's) and go on half-working; exiting lets Kubernetes restart the pod, which resumes from the cluster's
# state and the status database.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    TMPDIR=/tmp
USER ${UID}:${UID}
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/castiron/operator/quarkus-run.jar"]

# The runner: each file's Job runs it. python3 for the original format's Python processors, the runner jar with
# its dependencies, and the example processors.
#
# Adding your own processors: build an image FROM this one and name it in the pipeline
# (spec.runner.image, or image = "..." under [castiron.etl.runner] in TOML):
#
#   FROM castiron-etl-runner:0.1.0      # or the image make push pushed: REGISTRY/castiron-etl-runner:TAG
#   # Python: packages go on PYTHONPATH (already includes /opt/castiron/processors/python)
#   COPY my_pkg/ /opt/castiron/processors/python/my_pkg/
#   # ...or, with pip dependencies (root only while building, then back to the runner's user):
#   #   USER root
#   #   RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
#   #    && pip3 install --no-cache-dir --break-system-packages --target /opt/castiron/processors/python requests \
#   #    && apt-get purge -y python3-pip && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
#   #   USER 10001:10001
#   # Java: jars in /opt/castiron/processors/lib/ are on the runner's classpath
#   COPY target/my-processors.jar /opt/castiron/processors/lib/
#   # Shell: scripts and the tools they call, anywhere on PATH
#   COPY my-script.sh /usr/local/bin/
FROM base AS runner
ARG UID
# python3 only (no pip, no compilers): what the runner needs to call a Python processor.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/castiron
COPY --from=build --chown=root:root /src/runner/target/lib/ runner/lib/
COPY --from=build --chown=root:root /src/runner/target/castiron-etl-runner.jar runner/
COPY --chown=root:root runner/bin/castiron-runner bin/
COPY --chown=root:root examples/python/ processors/python/
COPY --from=build --chown=root:root /src/examples/java/target/castiron-etl-examples.jar processors/lib/
# The Job mounts an emptyDir on /tmp (the root filesystem is read-only) and sets TMPDIR=/tmp.
ENV PYTHONPATH=/opt/castiron/processors/python \
    PYTHONDONTWRITEBYTECODE=1 \
    TMPDIR=/tmp
# The class-data (AppCDS) archive runner/runner.jsa (~47 MB): a training run that needs no server goes through what
# a Job's run loads (and loads the classes of the runner jar's cds-classes.txt, which runs against real servers
# loaded), and the JVM records those classes at exit; each Job's JVM then maps them instead of loading them from the
# jars (make bench-runner shows what it saves). The start script uses it when it exists. It is recorded here, in
# the final image, so it matches the JVM that uses it.
RUN ["/opt/castiron/bin/castiron-runner", "cds-training"]
USER ${UID}:${UID}
# The start script holds the JVM options and the classpath (make bench-runner starts the runner through it too) and
# execs java, so java is PID 1 and gets SIGTERM. CASTIRON_JAVA_OPTIONS in a pipeline's runner env replaces the options.
ENTRYPOINT ["/opt/castiron/bin/castiron-runner"]
