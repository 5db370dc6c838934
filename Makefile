.PHONY: run test schema
run:
	scripts/run
test:
	scripts/test
schema:
	scripts/uv.sh run python -m api export-schema > schema.graphql
