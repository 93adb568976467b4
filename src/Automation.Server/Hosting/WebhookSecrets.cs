using Automation.Orders.Secrets;
using Automation.Server.Api;

namespace Automation.Server.Hosting;

/// The secret in webhook URLs (`/hooks/{secret}`). Until the first rotation it is `Webhooks:Secret`, or the one generated
/// into data/secrets.json; a rotation stores a new one in the database, where every node reads it on every call, so
/// the old secret stops working at once everywhere. A rotated secret replaces a configured one too.
public sealed class WebhookSecrets(ServiceSecrets secrets, StoreAccess store, TimeProvider clock, ILogger<WebhookSecrets> log)
{
    /// The secret a webhook call must carry now.
    public async Task<string> CurrentAsync(CancellationToken ct) =>
        (await store.ReadAsync(db => new SharedSecrets(db, clock).FindAsync(SharedSecrets.Webhook, ct), ct))?.Value ?? secrets.WebhookSecret;

    /// Replaces the secret; the previous one is refused from the next call on.
    public async Task<SharedSecret> RotateAsync(CancellationToken ct)
    {
        var rotated = await store.WriteAsync(db => new SharedSecrets(db, clock).RotateAsync(SharedSecrets.Webhook, ct), ct);
        // The start-up message prints the generated secret from data/secrets.json: keep it the current one.
        if (secrets.WebhookSecretGenerated) secrets.KeepGeneratedWebhookSecret(rotated.Value);
        log.LogWarning("The webhook secret was rotated; calls with the previous secret are refused from now on");
        return rotated;
    }

    /// At start: say when a rotated secret overrides the configured Webhooks:Secret.
    public async Task ReportAsync(CancellationToken ct)
    {
        if (secrets.WebhookSecretGenerated) return;
        if (await store.ReadAsync(db => new SharedSecrets(db, clock).FindAsync(SharedSecrets.Webhook, ct), ct) is { } rotated)
            log.LogWarning("Webhooks:Secret is set, but the secret was rotated at {RotatedAt}; the rotated secret (in the database) is the one accepted", rotated.ChangedAt);
    }
}
