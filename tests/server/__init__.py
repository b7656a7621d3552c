"""Tests of the local Kili server, over real HTTP."""
