"""The Qt side: app shell, the one job runner, shared widgets and one module per panel."""
