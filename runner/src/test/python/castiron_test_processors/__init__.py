"""Python processors used by the runner tests."""
