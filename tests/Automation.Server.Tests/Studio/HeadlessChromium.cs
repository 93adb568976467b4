using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Automation.Server.Tests.Studio;

/// Debian's chromium in headless mode, driven over the DevTools protocol with the framework's own WebSocket client
/// (no browser download, no extra package): open a page, evaluate script in it, wait for a condition, take a screenshot.
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly string _profile;
    private string _session = "";
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static bool IsInstalled => File.Exists(Executable);

    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Path.Combine(Path.GetTempPath(), "automation-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1400,900", "--remote-debugging-port=0",
                     "--remote-debugging-address=127.0.0.1", $"--user-data-dir={profile}", "about:blank",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var browser = new HeadlessChromium(process, profile);
        string? endpoint = null;
        while (endpoint is null && await process.StandardError.ReadLineAsync() is { } line)
            if (DevToolsLine().Match(line) is { Success: true } match) endpoint = match.Groups[1].Value;
        if (endpoint is null) throw new InvalidOperationException("chromium exited without opening its DevTools socket.");
        _ = process.StandardError.ReadToEndAsync();
        await browser._socket.ConnectAsync(new Uri(endpoint), CancellationToken.None);
        var target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, session: false);
        var attached = await browser.SendAsync("Target.attachToTarget",
            new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, session: false);
        browser._session = attached["sessionId"]!.GetValue<string>();
        await browser.SendAsync("Page.enable", new JsonObject());
        return browser;
    }

    public async Task NavigateAsync(string url) => await SendAsync("Page.navigate", new JsonObject { ["url"] = url });

    /// The value of a script expression evaluated in the page (promises awaited).
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } error) throw new InvalidOperationException($"script failed: {error.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// Waits until the expression is true; gives up after <paramref name="patience"/> (a loaded machine compiles the
    /// WebAssembly slowly), then returns false so the test can say what the page showed.
    public async Task<bool> WaitUntilAsync(string expression, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await EvaluateAsync($"!!({expression})") is JsonValue v && v.GetValue<bool>()) return true;
            await Task.Delay(250);
        }
        return false;
    }

    /// A real mouse click (moved, pressed, released) at the middle of the element the expression finds, as the
    /// designer's canvas listens to mouse events rather than click().
    public async Task ClickAsync(string elementExpression)
    {
        var box = await EvaluateAsync($"(() => {{ const r = ({elementExpression}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
            ?? throw new InvalidOperationException($"no element: {elementExpression}");
        var (x, y) = (box[0]!.GetValue<double>(), box[1]!.GetValue<double>());
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type,
                ["x"] = x,
                ["y"] = y,
                ["button"] = "left",
                ["buttons"] = type == "mousePressed" ? 1 : 0,
                ["clickCount"] = 1,
            });
    }

    /// Types text into the focused element as a keyboard would.
    public async Task TypeAsync(string text) => await SendAsync("Input.insertText", new JsonObject { ["text"] = text });

    public async Task PressTabAsync()
    {
        foreach (var type in new[] { "keyDown", "keyUp" })
            await SendAsync("Input.dispatchKeyEvent", new JsonObject
            {
                ["type"] = type,
                ["key"] = "Tab",
                ["code"] = "Tab",
                ["windowsVirtualKeyCode"] = 9,
            });
    }

    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, bool session = true)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session) message["sessionId"] = _session;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var reply = await ReceiveAsync();
            if (reply["id"]?.GetValue<int>() != id) continue;
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]!.AsObject();
        }
    }

    private async Task<JsonObject> ReceiveAsync()
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(chunk, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools socket.");
            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(buffer.ToArray())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The browser is going away anyway.
        }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A crash-reporter file still open; the temp folder is cleaned later.
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
