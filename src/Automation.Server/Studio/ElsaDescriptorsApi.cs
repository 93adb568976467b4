using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;

namespace Automation.Server.Studio;

/// The descriptor lists Studio loads with the editor (elsa-contract.md §2.2–2.3), the installed features and the
/// package version. Lists of things this engine does not have (commit strategies, output converters) are empty.
public static class ElsaDescriptorsApi
{
    private const string ElsaCore = "Elsa.Workflows.Core";

    public static RouteGroupBuilder MapElsaDescriptorsApi(this RouteGroupBuilder elsa)
    {
        var descriptors = elsa.MapGroup("/descriptors").WithTags("Elsa Studio");
        descriptors.MapGet("/activities", ActivitiesAsync);
        descriptors.MapPost("/activities/{typeName}/options/{propertyName}", OptionsAsync);
        descriptors.MapGet("/expression-descriptors", ExpressionDescriptors);
        descriptors.MapGet("/workflow-activation-strategies", () => ElsaJson.List(ActivationStrategies));
        descriptors.MapGet("/log-persistence-strategies", () => ElsaJson.List(LogPersistenceStrategies));
        descriptors.MapGet("/incident-strategies", () => ElsaJson.List(Array.Empty<StrategyDescriptor>()));
        descriptors.MapGet("/commit-strategies/workflows", () => ElsaJson.List(Array.Empty<CommitStrategyDescriptor>()));
        descriptors.MapGet("/commit-strategies/activities", () => ElsaJson.List(Array.Empty<CommitStrategyDescriptor>()));
        descriptors.MapGet("/variables", () => ElsaJson.Ok(new { items = VariableTypes }));
        descriptors.MapGet("/storage-drivers", () => ElsaJson.Ok(new { items = StorageDrivers }));
        descriptors.MapGet("/output-converters", () => ElsaJson.Ok(new { items = Array.Empty<object>() }));

        elsa.MapGet("/features/installed", () => ElsaJson.List(Array.Empty<FeatureDescriptor>())).WithTags("Elsa Studio");
        elsa.MapGet("/features/installed/{fullName}", (string fullName) =>
            Api.Problems.Result(404, "Not found", $"Feature '{fullName}' is not installed.", "feature_not_installed")).WithTags("Elsa Studio");
        elsa.MapGet("/package/version", () => ElsaJson.Ok(new { packageVersion = StudioFiles.PackageVersion })).WithTags("Elsa Studio");
        // IntelliSense for JavaScript inputs: the outputs of the workflow's activities, per-activity ones included.
        elsa.MapPost("/scripting/javascript/type-definitions/{definitionId}", async (string definitionId, JavaScriptDeclarations declarations, CancellationToken ct) =>
            TypedResults.Text(await declarations.ForAsync(definitionId, ct), "text/plain")).WithTags("Elsa Studio");
        return elsa;
    }

    public sealed record StrategyDescriptor(string TypeName, string DisplayName, string Description);
    public sealed record CommitStrategyDescriptor(string Name, string DisplayName, string Description);
    public sealed record FeatureDescriptor(string Name, string Namespace, string FullName, string DisplayName, string Description);
    public sealed record ExpressionDescriptor(string Type, string DisplayName, bool IsSerializable, bool IsBrowsable, IReadOnlyDictionary<string, string> Properties);
    public sealed record VariableTypeDescriptor(string TypeName, string DisplayName, string Category, string Description);
    public sealed record StorageDriverDescriptor(string TypeName, string DisplayName, int Priority, bool Deprecated);

    private static readonly StrategyDescriptor[] ActivationStrategies =
    [
        new($"Elsa.Workflows.Activation.Strategies.AllowAlwaysStrategy, {ElsaCore}", "Always",
            "Every order that enters the status gets its own instance of the workflow."),
    ];

    private static readonly StrategyDescriptor[] LogPersistenceStrategies =
    [
        new($"Elsa.Workflows.LogPersistence.Strategies.Inherit, {ElsaCore}", "Inherit", "Keep the run log as the parent does."),
        new($"Elsa.Workflows.LogPersistence.Strategies.Include, {ElsaCore}", "Include", "Keep the run log."),
        new($"Elsa.Workflows.LogPersistence.Strategies.Exclude, {ElsaCore}", "Exclude", "Keep no run log."),
    ];

    private static readonly VariableTypeDescriptor[] VariableTypes =
    [
        new("String", "String", "Primitives", "Text."),
        new("Boolean", "Boolean", "Primitives", "True or false."),
        new("Int32", "Int32", "Primitives", "A whole number."),
        new("Int64", "Int64", "Primitives", "A large whole number (ids)."),
        new("Double", "Double", "Primitives", "A number with a fraction."),
        new("Decimal", "Decimal", "Primitives", "An exact number (amounts)."),
        new("DateTimeOffset", "DateTimeOffset", "Primitives", "A point in time."),
        new("TimeSpan", "TimeSpan", "Primitives", "A duration."),
        new("Guid", "Guid", "Primitives", "A unique identifier."),
        new("Object", "Object", "Primitives", "Any value."),
        new("JsonObject", "JsonObject", "Dynamic", "A JSON object."),
    ];

    private static readonly StorageDriverDescriptor[] StorageDrivers =
    [
        new($"Elsa.Workflows.WorkflowInstanceStorageDriver, {ElsaCore}", "Workflow Instance", 0, false),
    ];

    private static async Task<IResult> ActivitiesAsync(ActivityRegistry registry, DropdownOptions options, MissingActivityTypes missing, CancellationToken ct) =>
        ElsaJson.List([.. await options.FillAsync(registry.Descriptors, ct), .. await missing.DescriptorsAsync(ct)]);

    private static async Task<IResult> OptionsAsync(string typeName, string propertyName, ActivityRegistry registry, DropdownOptions options, CancellationToken ct)
    {
        var found = registry.Descriptors.Where(d => d.TypeName == typeName).OrderByDescending(d => d.Version)
            .SelectMany(d => d.Inputs.Select(i => (Descriptor: d, Input: i)))
            .FirstOrDefault(p => string.Equals(p.Input.Name, propertyName, StringComparison.OrdinalIgnoreCase));
        if (found.Input is null)
            return Api.Problems.Result(404, "Not found", $"Activity '{typeName}' has no input '{propertyName}'.", "input_not_found");
        return ElsaJson.Ok(new { items = await options.SpecificationsAsync(found.Descriptor, found.Input, ct) });
    }

    private static IResult ExpressionDescriptors(ExpressionEngine expressions) =>
        ElsaJson.List(expressions.SupportedTypes.Select(Describe).ToList());

    private static ExpressionDescriptor Describe(string type) => type switch
    {
        "Literal" => new(type, "Literal", true, false, new Dictionary<string, string>()),
        "Object" => new(type, "Object", true, false, new Dictionary<string, string> { ["MonacoLanguage"] = "json" }),
        "Json" => new(type, "Json", true, false, new Dictionary<string, string> { ["MonacoLanguage"] = "json" }),
        "Liquid" => new(type, "Liquid", true, true, new Dictionary<string, string> { ["MonacoLanguage"] = "liquid" }),
        "JavaScript" => new(type, "JavaScript", true, true, new Dictionary<string, string> { ["MonacoLanguage"] = "javascript" }),
        _ => new(type, type, true, true, new Dictionary<string, string>()),
    };
}
