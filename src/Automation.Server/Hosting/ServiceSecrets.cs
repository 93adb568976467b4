using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// The API key and the webhook secret: from configuration when set, otherwise generated at first start and kept in
/// data/secrets.json so they survive restarts. On PostgreSQL, where several nodes serve one store and must accept the
/// same key and secret, they have to be configured: a node refuses to start without them.
public sealed class ServiceSecrets
{
    private const string FileName = "secrets.json";
    private readonly string _file;

    public ServiceSecrets(IOptions<SecurityOptions> security, IOptions<WebhookOptions> webhooks, ServiceHome home, StorageSettings storage)
    {
        if (storage.WorkflowProvider == Automation.Workflows.Persistence.DatabaseProvider.PostgreSql)
            RequireConfigured(security.Value.ApiKey, webhooks.Value.Secret);
        var file = _file = Path.Combine(home.DataDirectory, FileName);
        var stored = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? new JsonObject() : new JsonObject();
        var changed = false;
        ApiKey = Pick(security.Value.ApiKey, stored, "apiKey", ref changed, out var generatedKey);
        WebhookSecret = Pick(webhooks.Value.Secret, stored, "webhookSecret", ref changed, out var generatedSecret);
        ApiKeyGenerated = generatedKey;
        WebhookSecretGenerated = generatedSecret;
        SigningKey = string.IsNullOrWhiteSpace(webhooks.Value.SigningKey) ? null : webhooks.Value.SigningKey;
        if (!changed) return;
        Directory.CreateDirectory(home.DataDirectory);
        File.WriteAllText(file, stored.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public string ApiKey { get; }
    public string WebhookSecret { get; }
    public string? SigningKey { get; }
    /// True when the value came from data/secrets.json rather than configuration (the start-up log prints it).
    public bool ApiKeyGenerated { get; }
    public bool WebhookSecretGenerated { get; }

    /// Writes a rotated webhook secret into data/secrets.json, where the generated one was kept (the database stays the truth).
    public void KeepGeneratedWebhookSecret(string secret)
    {
        var stored = File.Exists(_file) ? JsonNode.Parse(File.ReadAllText(_file)) as JsonObject ?? new JsonObject() : new JsonObject();
        stored["webhookSecret"] = secret;
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        File.WriteAllText(_file, stored.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void RequireConfigured(string? apiKey, string? webhookSecret)
    {
        var missing = new[] { ("Security:ApiKey", apiKey), ("Webhooks:Secret", webhookSecret) }
            .Where(s => string.IsNullOrWhiteSpace(s.Item2)).Select(s => s.Item1).ToList();
        if (missing.Count > 0)
            throw new SettingException($"Database:Provider is PostgreSQL, so every node must be given the same {string.Join(" and ", missing)} " +
                "(environment: Security__ApiKey, Webhooks__Secret); a node does not generate its own there.");
    }

    public static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));

    private static string Pick(string? configured, JsonObject stored, string name, ref bool changed, out bool generated)
    {
        generated = string.IsNullOrWhiteSpace(configured);
        if (!generated) return configured!;
        if (stored[name]?.GetValue<string>() is { Length: > 0 } kept) return kept;
        var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        stored[name] = fresh;
        changed = true;
        return fresh;
    }
}
