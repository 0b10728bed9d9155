#!/usr/bin/env bash
# Runs the harness's code-shim.sh through bash, for a shared/ copy that lost its exec bits.
exec bash "$(cd "$(dirname "$0")/../../shared" && pwd)/vscode-harness/code-shim.sh" "$@"
