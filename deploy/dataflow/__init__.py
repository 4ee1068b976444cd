"""Dataflow flex template for the batch pipeline: launcher, metadata, dependency pins."""
