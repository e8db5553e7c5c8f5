# Every command a user or developer runs. `make` alone lists them.
MVN ?= mvn -B -ntp

.DEFAULT_GOAL := help
.PHONY: help build test crds convert

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Compile and package every module, without tests
	$(MVN) -DskipTests install

test: ## Run the whole test suite (unit, mock API server, in-process S3/PostgreSQL/Kafka)
	$(MVN) install

crds: ## Regenerate crds/ from the Java CRD classes
	$(MVN) -q -pl core -am -DskipTests install
	$(MVN) -q -pl core test-compile exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.castiron.etl.api.CrdFiles -Dexec.args="$(CURDIR)/crds"

convert: ## TOML -> EtlPipeline YAML: make convert TOML=path [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]
	@test -n "$(TOML)" || { echo "usage: make convert TOML=path/to/pipeline.toml [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]" >&2; exit 2; }
	@# Maven writes colour resets to stdout, so it only builds; java prints YAML clean enough for kubectl apply -f -
	@$(MVN) -q -pl core -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
	  -Dmdep.outputFile=target/runtime-classpath.txt >&2
	@java -cp "core/target/classes:$$(cat core/target/runtime-classpath.txt)" io.castiron.etl.toml.ConvertCommand \
	  "$(abspath $(TOML))" $(if $(NAME),--name "$(NAME)") $(if $(NAMESPACE),--namespace "$(NAMESPACE)") $(if $(BUCKET),--bucket "$(BUCKET)") $(if $(PREFIX),--prefix "$(PREFIX)")

.PHONY: try bench-runner
try: ## Run a pipeline's processor on a local file, no servers or cluster: make try TOML=examples/csv/pipeline.toml FILE=examples/csv/weather.csv
	@test -n "$(TOML)" -a -n "$(FILE)" || { echo "usage: make try TOML=path/to/pipeline.toml FILE=path/to/data [ETL_PYTHONPATH=dir] [CLASSPATH=my-processors.jar]" >&2; exit 2; }
	@$(MVN) -q -pl runner -am -DskipTests package
	@ETL_PYTHONPATH="$(CURDIR)/examples/python$(if $(ETL_PYTHONPATH),:$(abspath $(ETL_PYTHONPATH)))" \
	  java -cp "$(CURDIR)/runner/target/castiron-etl-runner.jar:$(CURDIR)/examples/java/target/castiron-etl-examples.jar$(if $(CLASSPATH),:$(CLASSPATH))" \
	  io.castiron.etl.runner.RunnerMain try "$(abspath $(TOML))" "$(abspath $(FILE))"

bench-runner: ## Runner fixed overhead (median, p95 of 20 runs, no-op processor, 1 MB file) against the test servers
	@$(MVN) -q -pl runner -am -DskipTests package
	@$(MVN) -q -pl runner -am test -Dtest=RunnerOverheadBench -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
	  | grep -A4 '^runner fixed overhead' || { echo "bench-runner failed: see runner/target/surefire-reports" >&2; exit 1; }
