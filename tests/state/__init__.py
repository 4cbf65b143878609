"""Tests for quicketl.state."""
