"""CI's API checks against a real server on 127.0.0.1 (scripts/api-checks.sh):
schemathesis against the OpenAPI schema, and a load test of 50 simulated coders."""
