namespace Automation.Channels.MailListener;

/// The argument of MAIL FROM / RCPT TO: "FROM:<address> KEY=VALUE ...". An empty path ("&lt;&gt;") is a bounce sender.
internal sealed record SmtpPath(string Address, IReadOnlyList<(string Name, string? Value)> Parameters)
{
    public static SmtpPath? Parse(string argument, string keyword)
    {
        if (!argument.StartsWith(keyword + ":", StringComparison.OrdinalIgnoreCase)) return null;
        var rest = argument[(keyword.Length + 1)..].TrimStart();
        string address;
        string tail;
        if (rest.StartsWith('<'))
        {
            var close = rest.IndexOf('>');
            if (close < 0) return null;
            address = rest[1..close];
            tail = rest[(close + 1)..];
        }
        else
        {
            // Lenient: some clients omit the brackets.
            var space = rest.IndexOf(' ');
            address = space < 0 ? rest : rest[..space];
            tail = space < 0 ? "" : rest[space..];
            if (address.Length == 0) return null;
        }
        // A source route ("@a,@b:user@host") is obsolete; keep only the mailbox.
        if (address.StartsWith('@') && address.IndexOf(':') is var colon and > 0) address = address[(colon + 1)..];
        if (address.Any(c => c is ' ' or '<' or '>' || char.IsControl(c))) return null;
        if (address.Length > 0 && !address.Contains('@') && !address.Equals("postmaster", StringComparison.OrdinalIgnoreCase)) return null;
        var parameters = new List<(string, string?)>();
        foreach (var token in tail.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=');
            parameters.Add(equals < 0 ? (token.ToUpperInvariant(), null) : (token[..equals].ToUpperInvariant(), token[(equals + 1)..].ToUpperInvariant()));
        }
        return new SmtpPath(address, parameters);
    }
}
