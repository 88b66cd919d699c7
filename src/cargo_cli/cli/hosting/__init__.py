"""The local work of the hosting domain's commands (the rows are in
cli/commands/hosting.py): the deployment's source bundle, project
scaffolding from the packaged templates, and the .env.local output."""
