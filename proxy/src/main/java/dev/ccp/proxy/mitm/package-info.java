/**
 * Interception mode: {@code HTTPS_PROXY=http://127.0.0.1:PORT} for clients that honour a proxy and
 * not a base URL. A CONNECT to an intercepted host is piped to a second, TLS-only listener on
 * loopback that presents a leaf minted by the local CA for the name the client asked for (SNI) and
 * serves the decrypted requests with the same routing as base-URL mode. Any other host is tunnelled
 * byte for byte, unread.
 */
package dev.ccp.proxy.mitm;
