"""Evaluations on the platform: stored documents, versions, evidence, the workflow and the review queue."""
