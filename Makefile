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
