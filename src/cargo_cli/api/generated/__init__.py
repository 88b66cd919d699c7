"""Generated code only: ``endpoints/`` (scripts/gen_endpoints.py, from
spec/api.json) and ``resources/`` (scripts/gen_resources.py, from the
endpoint records). Never edited by hand; ``make endpoints-check`` and
``make docs-check`` fail when a file differs from what its generator gives."""
