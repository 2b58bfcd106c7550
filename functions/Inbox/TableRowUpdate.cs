using Azure;
using Azure.Data.Tables;

namespace Serverless.Functions.Inbox;

/// <summary>
/// A row changed from what it was: read, change, write back under the ETag (or add it when absent), and read
/// again when another writer came first, so concurrent changes all count.
/// </summary>
public static class TableRowUpdate
{
    /// <param name="change">The new row from the current one (null when there is none yet).</param>
    /// <param name="maxJitter">How long at most to wait, at random, before reading again; zero reads again at once.</param>
    public static async Task ApplyAsync(
        TableClient table, string partition, string row, Func<TableEntity?, TableEntity> change, int maxAttempts, TimeSpan maxJitter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var read = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            var existing = read.HasValue ? read.Value : null;
            var entity = change(existing);
            try
            {
                if (existing is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < maxAttempts)
            {
                if (maxJitter > TimeSpan.Zero)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, (int)maxJitter.TotalMilliseconds)), cancellationToken);
                }
            }
        }
    }
}
