/** The SQLite read model: its schema, once, and the typed queries its readers run. The projector writes it. */
package dev.ccp.readmodel;
