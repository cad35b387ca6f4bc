# `sam build` builds each function with this Makefile: template.yaml gives every function
# `Metadata: {BuildMethod: makefile, ContextPath: ./}`, and SAM CLI runs `make build-<LogicalId>` with
# ARTIFACTS_DIR set to the function's artifact directory (.aws-sam/build/<LogicalId>).
#
# Why not SAM's java-maven workflow: it copies only the CodeUri directory (functions/<task>/) to a scratch
# directory and runs `mvn clean install` there, where the module's parent pom and the `shared` module are out of
# reach unless both were installed into ~/.m2 first. Here Maven runs in this directory, on the reactor, and
# nothing is installed. Needs a JDK >= 21 and Maven on PATH (docs/deploy.md).
#
# A function's artifact is its module's shaded jar (only the dependencies its pom declares) under lib/, which
# Lambda's Java runtime puts on the classpath.

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
MVN ?= mvn

# $(1): the module under functions/
define build-function
	cd "$(ROOT)" && $(MVN) -B -q -DskipTests package -pl functions/$(1) -am
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp "$(ROOT)/functions/$(1)/target/$(1).jar" "$(ARTIFACTS_DIR)/lib/"
endef

build-DispatcherFunction:
	$(call build-function,dispatcher)

build-ResolveFunction:
	$(call build-function,resolve)

build-ClusterStatusFunction:
	$(call build-function,cluster-status)

build-InstallAgentFunction:
	$(call build-function,install-agent)

build-TrustPolicyFunction:
	$(call build-function,trust-policy)

build-AssociationFunction:
	$(call build-function,association)

build-AddonFunction:
	$(call build-function,addon)

build-PruneFunction:
	$(call build-function,prune)

build-ReportFunction:
	$(call build-function,report)

build-SweepFunction:
	$(call build-function,sweep)

build-LockFunction:
	$(call build-function,lock)

.PHONY: build-DispatcherFunction build-ResolveFunction build-ClusterStatusFunction build-InstallAgentFunction build-TrustPolicyFunction build-AssociationFunction build-AddonFunction build-PruneFunction build-ReportFunction build-SweepFunction build-LockFunction
