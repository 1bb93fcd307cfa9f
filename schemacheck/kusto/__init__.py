"""What an Azure Data Explorer table accepts: Kusto types, table schemas and the files they are saved in."""
