/**
 * The identity domain's storage in the metadata database: the JDBC implementations of the
 * {@code io.portcullis.identity} store interfaces, where all of identity's SQL lives.
 */
package io.portcullis.identity.jdbc;
