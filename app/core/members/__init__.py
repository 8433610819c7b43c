"""Members of workspaces and their roles (issue 23); on PostgreSQL, their own login roles."""
