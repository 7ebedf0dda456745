#!/usr/bin/env bash
# Packages serverless.yml offline (no AWS account needed) into .serverless/, as CI's
# test/deploy/cloudformation.test.ts does. Usage: scripts/package-check.sh [stage]
set -euo pipefail
cd "$(dirname "$0")/.."
# Packaging reads no AWS state; these only stop the SDK from searching for credentials.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=packaging-only-not-a-secret
export AWS_REGION="${AWS_REGION:-us-east-1}"
export SLS_TELEMETRY_DISABLED=1
npx osls package --stage "${1:-ci}"
ls -l .serverless/*.zip
