"""Deployment helpers: Dataflow flex template, warehouse DDL, scheduling (see deploy/README.md)."""
