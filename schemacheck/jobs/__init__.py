"""Where queries and outputs come from: ASA projects (VS Code `asaproj.json`, Visual Studio
`.asaproj`), ARM templates, or a lone query file. Each reader turns files into a `Job`
(schemacheck.jobs.model), plain data the check stage reads; nothing here analyses SQL
or talks to a cluster."""
