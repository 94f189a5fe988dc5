"""The collective steps as the workflow runs them: approvals moves the cases, and in the same transaction the
workflow completes their steps, explicitly, from the layer that knows both."""
