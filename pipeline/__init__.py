"""bilingue: repair, translate offline and publish French articles as bilingual editions."""
