"""SQL outputs (Azure SQL Database, Synapse dedicated SQL pools, Azure Database for
PostgreSQL): their tables read from DDL (ddl.py, with sqlglot), the ASA-to-SQL type
tables (types.py) and the comparator (compare.py). Nothing here is imported unless a
job has a SQL output to check; sqlglot only by ddl.py and the commands it renders."""
