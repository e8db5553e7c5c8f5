# Every command a user or developer runs. `make` alone lists them.
MVN ?= mvn -B -ntp

.DEFAULT_GOAL := help
.PHONY: java-and-maven help build test tools crds convert images push up kind-up clean status logs demo demo-stop drop

# The kind quick start (make up): cluster, namespace, and the kubectl/helm context of that cluster, which every
# kubectl and helm command of make up, status and logs names (never whatever context is current).
CLUSTER ?= castiron-etl
NAMESPACE ?= castiron-etl
KUBE_CONTEXT := kind-$(CLUSTER)
KUBECTL := kubectl --context $(KUBE_CONTEXT)
HELM := helm --kube-context $(KUBE_CONTEXT)
# Images: make images tags them with the chart's appVersion (what the chart installs by default) unless IMAGE_TAG
# says otherwise; make push prefixes REGISTRY. make up tags them by their content (scripts/image-tag.sh).
CHART_VERSION := $(shell sed -n 's/^appVersion: *"*\([^"]*\)"*$$/\1/p' helm/castiron-etl/Chart.yaml)
IMAGE_TAG ?= $(CHART_VERSION)
IMAGE_PREFIX = $(if $(REGISTRY),$(REGISTRY:%/=%)/)
OPERATOR_IMAGE ?= $(IMAGE_PREFIX)castiron-etl-operator:$(IMAGE_TAG)
RUNNER_IMAGE ?= $(IMAGE_PREFIX)castiron-etl-runner:$(IMAGE_TAG)
# make push writes the chart values that point at the pushed images here.
PUSHED_VALUES ?= target/pushed-values.yaml
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
# make try rebuilds the runner (mvn package, no tests) only when its sources or those of the modules it uses changed.
TRY_BUILD := target/try-build.stamp

# The first prerequisite of every target that needs a JDK 17+ and Maven: says what is missing before anything starts.
java-and-maven:
	@$(REQUIRE) java mvn

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

demo: java-and-maven tools $(DEMO_BUILD) ## Everything on this machine, no Docker: control plane, chart, operator, MinIO/PostgreSQL/Kafka, the example pipeline [TOML=path FILES='a b' ETL_PYTHONPATH=dir ONCE=1]
	@java -Dcastiron.tools.dir=$(TOOLS_DIR) -cp "$(DEMO_CLASSPATH)" io.castiron.etl.demo.Demo \
	  --repository "$(CURDIR)" --state "$(DEMO_DIR)" --started $(DEMO_STARTED) \
	  $(if $(TOML),--toml "$(abspath $(TOML))") $(if $(FILES),--files "$(abspath $(FILES))") \
	  $(if $(ETL_PYTHONPATH),--pythonpath "$(abspath $(subst :, ,$(ETL_PYTHONPATH)))") $(if $(ONCE),--once) \
	  || { code=$$?; [ $$code = 130 ] || [ $$code = 143 ] || exit $$code; } # stopped by Ctrl-C or make demo-stop

$(DEMO_BUILD): pom.xml $(shell find core operator runner testkit demo examples/java -name target -prune -o -type f -print 2>/dev/null)
	$(MVN) -q -DskipTests install
	@mkdir -p $(@D) && touch $@

drop: java-and-maven ## Drop a file into the running demo's pipeline inbox: make drop FILE=path [PIPELINE=name]
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

build: java-and-maven ## Compile and package every module, without tests
	$(MVN) -DskipTests install

test: java-and-maven tools ## Run the whole test suite: unit, mock API server, and end-to-end on a local control plane (in-process S3/PostgreSQL/Kafka)
	$(MVN) install -Dcastiron.tools.dir=$(TOOLS_DIR)

tools: ## Build the local control plane's tools once (etcd, kube-apiserver, kube-controller-manager, kubectl, helm, minio; 15-30 min cold)
	@$(REQUIRE) go
	@sh scripts/tools.sh build

crds: java-and-maven ## Regenerate crds/ from the Java CRD classes
	$(MVN) -q -pl core -am -DskipTests install
	$(MVN) -q -pl core test-compile exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.castiron.etl.api.CrdFiles -Dexec.args="$(CURDIR)/crds"
	@# the Helm chart ships the same files (HelmChartTest checks they are equal)
	rm -f helm/castiron-etl/crds/*.yml && cp crds/*.yml helm/castiron-etl/crds/

convert: java-and-maven ## TOML -> EtlPipeline YAML: make convert TOML=path [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]
	@test -n "$(TOML)" || { echo "usage: make convert TOML=path/to/pipeline.toml [NAME=x] [NAMESPACE=ns] [BUCKET=etl] [PREFIX=folder]" >&2; exit 2; }
	@# Maven writes colour resets to stdout, so it only builds; java prints YAML clean enough for kubectl apply -f -
	@$(MVN) -q -pl core -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
	  -Dmdep.outputFile=target/runtime-classpath.txt >&2
	@java -cp "core/target/classes:$$(cat core/target/runtime-classpath.txt)" io.castiron.etl.toml.ConvertCommand \
	  "$(abspath $(TOML))" $(if $(NAME),--name "$(NAME)") $(if $(NAMESPACE),--namespace "$(NAMESPACE)") $(if $(BUCKET),--bucket "$(BUCKET)") $(if $(PREFIX),--prefix "$(PREFIX)")

.PHONY: try bench-runner cds-class-list bench bench-heap
try: java-and-maven ## Run a pipeline's processor on a local file, no servers or cluster: make try TOML=examples/csv/pipeline.toml FILE=examples/csv/weather.csv
	@test -n "$(TOML)" -a -n "$(FILE)" || { echo "usage: make try TOML=path/to/pipeline.toml FILE=path/to/data [ETL_PYTHONPATH=dir] [CLASSPATH=my-processors.jar]" >&2; exit 2; }
	@test -f runner/target/castiron-etl-runner.jar -a -f examples/java/target/castiron-etl-examples.jar || rm -f $(TRY_BUILD)
	@$(MAKE) -s --no-print-directory $(TRY_BUILD)
	@ETL_PYTHONPATH="$(CURDIR)/examples/python$(if $(ETL_PYTHONPATH),:$(abspath $(ETL_PYTHONPATH)))" \
	  java -cp "$(CURDIR)/runner/target/castiron-etl-runner.jar:$(CURDIR)/examples/java/target/castiron-etl-examples.jar$(if $(CLASSPATH),:$(CLASSPATH))" \
	  io.castiron.etl.runner.RunnerMain try "$(abspath $(TOML))" "$(abspath $(FILE))"

$(TRY_BUILD): pom.xml $(shell find core runner testkit examples/java -name target -prune -o -type f -print 2>/dev/null)
	$(MVN) -q -pl runner -am -DskipTests package
	@mkdir -p $(@D) && touch $@

bench-runner: java-and-maven ## Runner fixed overhead, started as the image starts it (median, p95; no-op processor, 1 MB file): make bench-runner [RUNS=20] [JAVA_OPTIONS='A|B']
	@$(MVN) -q -pl runner -am -DskipTests package
	@$(MVN) -q -pl runner -am test -Dtest=RunnerOverheadBench -Dsurefire.failIfNoSpecifiedTests=false \
	  $(if $(RUNS),-Dbench.runs=$(RUNS)) $(if $(JAVA_OPTIONS),-Dbench.java.options="$(JAVA_OPTIONS)") 2>&1 \
	  | sed -n '/^runner fixed overhead/,/^$$/p' | grep . || { echo "bench-runner failed: see runner/target/surefire-reports" >&2; exit 1; }

cds-class-list: java-and-maven ## Rewrite the classes the runner image's class-data archive loads beyond its closed-port training run, from runs against the test servers
	@$(MVN) -q -pl runner -am -DskipTests package
	@$(MVN) -q -pl runner -am test -Dtest=CdsClassListWriter -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dcds.class.list=$(CURDIR)/runner/src/main/resources/io/castiron/etl/runner/cds-classes.txt 2>&1 \
	  | grep '^wrote ' || { echo "cds-class-list failed: see runner/target/surefire-reports" >&2; exit 1; }

# make bench's lines: PipelineBench's by their first word, ControlPlaneBench's block up to its empty line; fails when
# Maven failed (its status comes through as the last line) or nothing was printed.
BENCH_LINES = /^make bench: maven exited with / { code = $$NF; next } \
  /^Cast-Iron ETL benchmark on the local control plane/ { block = 1; if (printed) print "" } \
  block { print; printed++; if ($$0 == "") block = 0; next } \
  /^(Cast-Iron ETL benchmark|floor|pipeline|drop|operator|API|S3|runner)/ { print; printed++ } \
  END { exit code != 0 || printed == 0 }

bench: java-and-maven tools ## End-to-end figures: per-file Jobs against batches on the local control plane (files/s, latency, CPU per file of each process, claim rate) and the operator-bound figures on the mock API (throughput, latency, claim rate, S3 floor, operator heap): make bench [N=500] [CHILD_N=100] [PARTS=floor,pipeline,child,claims,heap,cluster]
	@$(MVN) -q -DskipTests install
	@{ $(MVN) -q -pl e2e verify -Dtest=PipelineBench,ControlPlaneBench -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dcastiron.tools.dir=$(TOOLS_DIR) -Dbench.files=$(or $(N),500) $(if $(CHILD_N),-Dbench.child.files=$(CHILD_N)) \
	  $(if $(PARTS),-Dbench.parts=$(PARTS)) -DtrimStackTrace=true 2>&1; echo "make bench: maven exited with $$?"; } \
	  | awk '$(BENCH_LINES)' || { echo "bench failed: see e2e/target/surefire-reports" >&2; exit 1; }

bench-heap: java-and-maven tools ## Operator heap after GC with 10,000 finished EtlFiles and their Jobs on the local control plane, objects as the API server keeps them: make bench-heap [N=10000]
	@$(MVN) -q -DskipTests install
	@$(MVN) -q -pl e2e verify -Dtest=OperatorHeapBench -Dsurefire.failIfNoSpecifiedTests=false -Dcastiron.tools.dir=$(TOOLS_DIR) \
	  $(if $(N),-Dbench.heap.files=$(N)) -DtrimStackTrace=true 2>&1 | sed -n '/^operator heap after GC/,/^$$/p' | grep . \
	  || { echo "bench-heap failed: see e2e/target/surefire-reports" >&2; exit 1; }

images: ## Build the operator and runner images from the sources, inside Docker (pinned Maven/JDK builder stage; needs only Docker) [IMAGE_TAG=0.1.0]
	@$(REQUIRE) docker
	docker build --target operator -t $(OPERATOR_IMAGE) .
	docker build --target runner -t $(RUNNER_IMAGE) .

push: ## Build both images and push them: make push REGISTRY=registry.example.com/team [IMAGE_TAG=0.1.0]; writes the chart values for them
	@test -n "$(REGISTRY)" || { echo "usage: make push REGISTRY=registry.example.com/team [IMAGE_TAG=$(CHART_VERSION)]" >&2; exit 2; }
	@$(MAKE) --no-print-directory images REGISTRY=$(REGISTRY) IMAGE_TAG=$(IMAGE_TAG)
	docker push $(OPERATOR_IMAGE)
	docker push $(RUNNER_IMAGE)
	@mkdir -p $(dir $(PUSHED_VALUES))
	@printf '%s\n' "# helm/castiron-etl values for the images make push pushed" \
	  "operator:" "  image:" "    repository: $(IMAGE_PREFIX)castiron-etl-operator" "    tag: \"$(IMAGE_TAG)\"" \
	  "runner:" "  image:" "    repository: $(IMAGE_PREFIX)castiron-etl-runner" "    tag: \"$(IMAGE_TAG)\"" > $(PUSHED_VALUES)
	@echo "Pushed $(OPERATOR_IMAGE) and $(RUNNER_IMAGE)."
	@echo "Install with: helm install castiron-etl helm/castiron-etl -n castiron-etl -f $(PUSHED_VALUES) -f my-values.yaml"

up: ## Run it all on kind: cluster, images, MinIO/PostgreSQL/Kafka, the operator, the example pipeline (safe to re-run: applies new code and CRDs)
	@$(REQUIRE) docker kind kubectl helm java mvn
	@$(MAKE) --no-print-directory kind-up IMAGE_TAG=$(if $(filter command line,$(origin IMAGE_TAG)),$(IMAGE_TAG),$$(sh scripts/image-tag.sh))

# make up's steps, with IMAGE_TAG derived from the images' sources (--set-string: a hash of digits only is still a
# tag, which the chart's schema wants as a string): a re-run after a change builds new images under
# a new tag, and helm upgrade rolls the operator onto them (new Jobs get the new runner); with no change, nothing
# restarts. helm upgrade never touches a chart's crds/, so the CRDs are applied first.
kind-up:
	@kind get clusters 2>/dev/null | grep -qx '$(CLUSTER)' || kind create cluster --name $(CLUSTER) --config kind-config.yaml
	$(MAKE) --no-print-directory images
	kind load docker-image --name $(CLUSTER) $(OPERATOR_IMAGE) $(RUNNER_IMAGE)
	$(HELM) upgrade --install dev-stack helm/dev-stack --namespace $(NAMESPACE) --create-namespace --wait --timeout 5m
	$(KUBECTL) apply -f crds/
	$(HELM) upgrade --install castiron-etl helm/castiron-etl --namespace $(NAMESPACE) -f helm/kind-values.yaml \
	  --set-string operator.image.tag=$(IMAGE_TAG),runner.image.tag=$(IMAGE_TAG) \
	  --set kafka.bootstrapServers=kafka.$(NAMESPACE).svc.cluster.local:9092 --wait --timeout 5m
	$(MAKE) -s convert TOML=examples/csv/pipeline.toml NAME=csv NAMESPACE=$(NAMESPACE) PREFIX=csv | $(KUBECTL) apply -f -
	@echo
	@echo "Cast-Iron ETL runs in kind cluster '$(CLUSTER)' (context $(KUBE_CONTEXT)), namespace $(NAMESPACE), images tagged $(IMAGE_TAG)."
	@echo "  MinIO console: http://localhost:9001  (user castiron, password castiron-dev-password)"
	@echo "  MinIO S3 API:  http://localhost:9000"
	@echo "  Pipeline 'csv' watches bucket etl, folder csv/01_inbox/ for *.csv files."
	@echo "Drop a file: upload it in the console to etl/csv/01_inbox/, or"
	@echo "  $(KUBECTL) -n $(NAMESPACE) exec -i deploy/minio -- sh -c 'mc alias set local http://localhost:9000 \"\$$MINIO_ROOT_USER\" \"\$$MINIO_ROOT_PASSWORD\" >/dev/null && mc pipe local/etl/csv/01_inbox/weather.csv' < examples/csv/weather.csv"
	@echo "Watch it: $(KUBECTL) -n $(NAMESPACE) get etlfiles -w      (make status, make logs)"

clean: ## Delete the kind cluster of make up (and everything in it)
	@$(REQUIRE) kind
	kind delete cluster --name $(CLUSTER)

status: ## Show the operator, the dev stack, pipelines, files and Jobs in the kind cluster
	@$(REQUIRE) kubectl
	$(KUBECTL) -n $(NAMESPACE) get deployments,pods,etlpipelines,etlfiles,jobs

logs: ## Operator logs (last 200 lines); JOB=name for one file's runner logs
	@$(REQUIRE) kubectl
	$(if $(JOB),$(KUBECTL) -n $(NAMESPACE) logs job/$(JOB) --all-containers --tail=200,$(KUBECTL) -n $(NAMESPACE) logs deploy/castiron-etl-operator --tail=200)
