using System.Security.Cryptography;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Secrets;

/// Secrets shared through the store, so a rotation on one node holds on every node at once.
public sealed class SharedSecrets(StoreDb db, TimeProvider clock)
{
    public const string Webhook = "webhook";

    public Task<SharedSecret?> FindAsync(string name, CancellationToken cancellationToken) =>
        db.SharedSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);

    /// Replaces the secret with a fresh random one (48 hex characters) and returns it.
    public async Task<SharedSecret> RotateAsync(string name, CancellationToken cancellationToken)
    {
        var secret = await db.SharedSecrets.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (secret is null) db.SharedSecrets.Add(secret = new SharedSecret { Name = name, Value = "" });
        secret.Value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        secret.ChangedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }
}
