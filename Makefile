# Every command a user or developer runs. `make` alone lists them.
MVN ?= mvn -B -ntp

.DEFAULT_GOAL := help
.PHONY: help build test tools crds convert images up clean status logs demo demo-stop drop

# The kind quick start (make up): cluster, namespace, image tags.
CLUSTER ?= castiron-etl
NAMESPACE ?= castiron-etl
IMAGE_TAG ?= dev
OPERATOR_IMAGE ?= castiron-etl-operator:$(IMAGE_TAG)
RUNNER_IMAGE ?= castiron-etl-runner:$(IMAGE_TAG)
REQUIRE := sh scripts/require-tools.sh
# The local control plane's tools, built by make tools into a cache outside the work tree (scripts/tools.sh).
TOOLS_DIR := $(shell sh scripts/tools.sh dir)

# make demo's folder: its state (for make drop and make demo-stop), logs, the cluster's and MinIO's data.
DEMO_DIR ?= $(CURDIR)/target/demo
# When this make started (ms), so that make demo can report the time to its first file, build included.
DEMO_STARTED := $(shell date +%s%3N)
DEMO_CLASSPATH = demo/target/classes:$$(cat demo/target/classpath.txt)
# make demo rebuilds (mvn install, no tests) only when a module's sources changed since its last build.
DEMO_BUILD := target/demo-build.stamp

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

demo: tools $(DEMO_BUILD) ## Everything on this machine, no Docker: control plane, chart, operator, MinIO/PostgreSQL/Kafka, the example pipeline [TOML=path FILES='a b' ETL_PYTHONPATH=dir ONCE=1]
	@java -Dcastiron.tools.dir=$(TOOLS_DIR) -cp "$(DEMO_CLASSPATH)" io.castiron.etl.demo.Demo \
	  --repository "$(CURDIR)" --state "$(DEMO_DIR)" --started $(DEMO_STARTED) \
	  $(if $(TOML),--toml "$(abspath $(TOML))") $(if $(FILES),--files "$(abspath $(FILES))") \
	  $(if $(ETL_PYTHONPATH),--pythonpath "$(abspath $(subst :, ,$(ETL_PYTHONPATH)))") $(if $(ONCE),--once) \
	  || { code=$$?; [ $$code = 130 ] || [ $$code = 143 ] || exit $$code; } # stopped by Ctrl-C or make demo-stop

$(DEMO_BUILD): pom.xml $(shell find core operator runner testkit demo examples/java -name target -prune -o -type f -print 2>/dev/null)
	$(MVN) -q -DskipTests install
	@mkdir -p $(@D) && touch $@

drop: ## Drop a file into the running demo's pipeline inbox: make drop FILE=path [PIPELINE=name]
	@test -n "$(FILE)" || { echo "usage: make drop FILE=path [PIPELINE=name]" >&2; exit 2; }
	@test -d demo/target/classes || $(MVN) -q -pl demo -am -DskipTests install
	@java -cp "$(DEMO_CLASSPATH)" io.castiron.etl.demo.Drop "$(DEMO_DIR)" "$(abspath $(FILE))" $(PIPELINE)

demo-stop: ## Stop the demo that make demo started (its JVM stops everything it started)
	@pid=$$(cat "$(DEMO_DIR)/demo.pid" 2>/dev/null); \
	if [ -z "$$pid" ] || ! ps -p "$$pid" -o args= 2>/dev/null | grep -q io.castiron.etl.demo.Demo; then \
	  echo "no demo is running"; exit 0; fi; \
	kill -TERM "$$pid"; \
	for i in $$(seq 120); do ps -p "$$pid" >/dev/null 2>&1 || { echo "demo stopped"; exit 0; }; sleep 0.5; done; \
	echo "the demo (pid $$pid) did not stop within 60 s" >&2; exit 1

build: ## Compile and package every module, without tests
	$(MVN) -DskipTests install

test: tools ## Run the whole test suite: unit, mock API server, and end-to-end on a local control plane (in-process S3/PostgreSQL/Kafka)
	$(MVN) install -Dcastiron.tools.dir=$(TOOLS_DIR)

tools: ## Build the local control plane's tools once (etcd, kube-apiserver, kube-controller-manager, kubectl, helm, minio; 15-30 min cold)
	@$(REQUIRE) go
	@sh scripts/tools.sh build

crds: ## Regenerate crds/ from the Java CRD classes
	$(MVN) -q -pl core -am -DskipTests install
	$(MVN) -q -pl core test-compile exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.castiron.etl.api.CrdFiles -Dexec.args="$(CURDIR)/crds"
	@# the Helm chart ships the same files (HelmChartTest checks they are equal)
	rm -f helm/castiron-etl/crds/*.yml && cp crds/*.yml helm/castiron-etl/crds/

convert: ## TOML -> EtlPipeline YAML: make convert TOML=path [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]
	@test -n "$(TOML)" || { echo "usage: make convert TOML=path/to/pipeline.toml [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]" >&2; exit 2; }
	@# Maven writes colour resets to stdout, so it only builds; java prints YAML clean enough for kubectl apply -f -
	@$(MVN) -q -pl core -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
	  -Dmdep.outputFile=target/runtime-classpath.txt >&2
	@java -cp "core/target/classes:$$(cat core/target/runtime-classpath.txt)" io.castiron.etl.toml.ConvertCommand \
	  "$(abspath $(TOML))" $(if $(NAME),--name "$(NAME)") $(if $(NAMESPACE),--namespace "$(NAMESPACE)") $(if $(BUCKET),--bucket "$(BUCKET)") $(if $(PREFIX),--prefix "$(PREFIX)")

.PHONY: try bench-runner cds-class-list bench bench-heap
try: ## Run a pipeline's processor on a local file, no servers or cluster: make try TOML=examples/csv/pipeline.toml FILE=examples/csv/weather.csv
	@test -n "$(TOML)" -a -n "$(FILE)" || { echo "usage: make try TOML=path/to/pipeline.toml FILE=path/to/data [ETL_PYTHONPATH=dir] [CLASSPATH=my-processors.jar]" >&2; exit 2; }
	@$(MVN) -q -pl runner -am -DskipTests package
	@ETL_PYTHONPATH="$(CURDIR)/examples/python$(if $(ETL_PYTHONPATH),:$(abspath $(ETL_PYTHONPATH)))" \
	  java -cp "$(CURDIR)/runner/target/castiron-etl-runner.jar:$(CURDIR)/examples/java/target/castiron-etl-examples.jar$(if $(CLASSPATH),:$(CLASSPATH))" \
	  io.castiron.etl.runner.RunnerMain try "$(abspath $(TOML))" "$(abspath $(FILE))"

bench-runner: ## Runner fixed overhead, started as the image starts it (median, p95; no-op processor, 1 MB file): make bench-runner [RUNS=20] [JAVA_OPTIONS='A|B']
	@$(MVN) -q -pl runner -am -DskipTests package
	@$(MVN) -q -pl runner -am test -Dtest=RunnerOverheadBench -Dsurefire.failIfNoSpecifiedTests=false \
	  $(if $(RUNS),-Dbench.runs=$(RUNS)) $(if $(JAVA_OPTIONS),-Dbench.java.options="$(JAVA_OPTIONS)") 2>&1 \
	  | sed -n '/^runner fixed overhead/,/^$$/p' | grep . || { echo "bench-runner failed: see runner/target/surefire-reports" >&2; exit 1; }

cds-class-list: ## Rewrite the classes the runner image's class-data archive loads beyond its closed-port training run, from runs against the test servers
	@$(MVN) -q -pl runner -am -DskipTests package
	@$(MVN) -q -pl runner -am test -Dtest=CdsClassListWriter -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dcds.class.list=$(CURDIR)/runner/src/main/resources/io/castiron/etl/runner/cds-classes.txt 2>&1 \
	  | grep '^wrote ' || { echo "cds-class-list failed: see runner/target/surefire-reports" >&2; exit 1; }

bench: ## End-to-end figures (throughput, latency, claim rate, S3 floor, operator heap): make bench [N=500] [CHILD_N=100] [PARTS=floor,pipeline,child,claims,heap]
	@$(MVN) -q -DskipTests install
	@$(MVN) -q -pl e2e verify -Dtest=PipelineBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.files=$(or $(N),500) $(if $(CHILD_N),-Dbench.child.files=$(CHILD_N)) $(if $(PARTS),-Dbench.parts=$(PARTS)) \
	  -DtrimStackTrace=true 2>&1 | grep -E '^(Cast-Iron ETL benchmark|floor|pipeline|drop|operator|API|S3|runner)' \
	  || { echo "bench failed: see e2e/target/surefire-reports" >&2; exit 1; }

bench-heap: tools ## Operator heap after GC with 10,000 finished EtlFiles and their Jobs on the local control plane, objects as the API server keeps them: make bench-heap [N=10000]
	@$(MVN) -q -DskipTests install
	@$(MVN) -q -pl e2e verify -Dtest=OperatorHeapBench -Dsurefire.failIfNoSpecifiedTests=false -Dcastiron.tools.dir=$(TOOLS_DIR) \
	  $(if $(N),-Dbench.heap.files=$(N)) -DtrimStackTrace=true 2>&1 | sed -n '/^operator heap after GC/,/^$$/p' | grep . \
	  || { echo "bench-heap failed: see e2e/target/surefire-reports" >&2; exit 1; }

images: ## Build the operator and runner images (mvn package, then docker build; IMAGE_TAG=dev)
	@$(REQUIRE) docker
	$(MVN) -DskipTests package
	docker build -f operator/Dockerfile -t $(OPERATOR_IMAGE) .
	docker build -f runner/Dockerfile -t $(RUNNER_IMAGE) .

up: ## Run it all on kind: cluster, images, MinIO/PostgreSQL/Kafka, the operator, the example pipeline
	@$(REQUIRE) docker kind kubectl helm
	@kind get clusters 2>/dev/null | grep -qx '$(CLUSTER)' || kind create cluster --name $(CLUSTER) --config kind-config.yaml
	$(MAKE) images
	kind load docker-image --name $(CLUSTER) $(OPERATOR_IMAGE) $(RUNNER_IMAGE)
	helm upgrade --install dev-stack helm/dev-stack --namespace $(NAMESPACE) --create-namespace --wait --timeout 5m
	helm upgrade --install castiron-etl helm/castiron-etl --namespace $(NAMESPACE) -f helm/kind-values.yaml \
	  --set operator.image.tag=$(IMAGE_TAG) --set runner.image.tag=$(IMAGE_TAG) --wait --timeout 5m
	$(MAKE) -s convert TOML=examples/csv/pipeline.toml NAME=csv NAMESPACE=$(NAMESPACE) PREFIX=csv | kubectl apply -f -
	@echo
	@echo "Cast-Iron ETL runs in kind cluster '$(CLUSTER)', namespace $(NAMESPACE)."
	@echo "  MinIO console: http://localhost:9001  (user castiron, password castiron-dev-password)"
	@echo "  MinIO S3 API:  http://localhost:9000"
	@echo "  Pipeline 'csv' watches bucket etl, folder csv/01_inbox/ for *.csv files."
	@echo "Drop a file: upload it in the console to etl/csv/01_inbox/, or"
	@echo "  kubectl -n $(NAMESPACE) exec -i deploy/minio -- sh -c 'mc alias set local http://localhost:9000 \"\$$MINIO_ROOT_USER\" \"\$$MINIO_ROOT_PASSWORD\" >/dev/null && mc pipe local/etl/csv/01_inbox/weather.csv' < examples/csv/weather.csv"
	@echo "Watch it: kubectl -n $(NAMESPACE) get etlfiles -w      (make status, make logs)"

clean: ## Delete the kind cluster of make up (and everything in it)
	@$(REQUIRE) kind
	kind delete cluster --name $(CLUSTER)

status: ## Show the operator, the dev stack, pipelines, files and Jobs in the kind cluster
	@$(REQUIRE) kubectl
	kubectl -n $(NAMESPACE) get deployments,pods,etlpipelines,etlfiles,jobs

logs: ## Operator logs (last 200 lines); JOB=name for one file's runner logs
	@$(REQUIRE) kubectl
	$(if $(JOB),kubectl -n $(NAMESPACE) logs job/$(JOB) --all-containers --tail=200,kubectl -n $(NAMESPACE) logs deploy/castiron-etl-operator --tail=200)
