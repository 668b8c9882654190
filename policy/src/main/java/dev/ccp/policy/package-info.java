/** What the proxy and the operator commands both decide by: the provider catalog, the license, the quota configuration. */
package dev.ccp.policy;
