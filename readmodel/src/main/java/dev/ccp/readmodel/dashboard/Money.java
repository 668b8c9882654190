package dev.ccp.readmodel.dashboard;

import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.ProviderWindowsTable;

import java.util.List;

/**
 * What the requests of a range cost and the providers' own windows now.
 *
 * @param fromHour the first hour the cost covers: cost is kept by the hour, so a range that starts
 *                 inside an hour covers that whole hour
 * @param cost     the cost report of the hours from {@code fromHour}, by lane
 * @param windows  the latest rate-limit standing per provider and credential, newest first
 */
public record Money(long fromHour, CostTable.Report cost, List<ProviderWindowsTable.Standing> windows) {

    /** True when there is something to show: a request with a cost row, or a window a provider reported. */
    public boolean available() {
        return cost.total().requests() > 0 || !windows.isEmpty();
    }
}
