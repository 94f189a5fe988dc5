"""The flow's machinery: the nodes and build_flow (nodes), viewflow's activations (activations), completing,
claiming and releasing steps (steps), the completion's rows (completion), the listener for ended roles."""
