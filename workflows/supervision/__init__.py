"""The supervisor's workspace: where a subtree's cases stand (selectors), bulk reassignment, its pages."""
