// The Powertools logger reads its level once, when it is built; the provisioning run would otherwise
// print a JSON line per entry into the table on stdout. The consumer logs nothing for valid records.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
