"""
Plotline's decision rule in Python, for an exported model (`plotline export --format onnx`): a title's
genres from the graph's scores, following the side file's `decision` steps (families, the cap by margin
over the thresholds, the thresholds, the most probable genre when none passes).

test/export/python-decide.test.ts checks it against Plotline's own decision code (genre-rules.ts,
thresholds.ts) on random rows: run as a script, it reads {"side", "cases"} JSON on stdin and writes each
case's genres as JSON on stdout.
"""
import json, numpy as np

def decide(scores, side, family=None):
    """Genres for one title from the graph's scores, as side["decision"] spells out.
    family: the title's value of side["rules"]["familyField"] (only if that field is among side["fields"]["names"])."""
    genres, t, rules = side["genres"], side["thresholds"], side["rules"]
    s = np.array(scores, dtype=np.float32)
    cut = np.array(t["perGenre"] if t["mode"] == "perGenre" else [t["global"]] * len(genres), dtype=np.float32)
    if rules and rules["familyField"]:                                   # 2. families
        columns = [[genres.index(g) for g in f["genres"]] for f in rules["families"]]
        given = [i for i, f in enumerate(rules["families"]) if family is not None and f["value"].strip().lower() == family.strip().lower()]
        rule = rules["unknownFamily"]
        held = given[0] if given else None if rule == "none" else int(np.argmax([s[c].sum(dtype=np.float64) if rule == "total" else s[c].max() for c in columns]))
        for i, c in enumerate(columns):
            if held is not None and i != held:
                s[c] = 0
    if rules and rules["maxGenres"] is not None:                         # 3. cap, by margin over the threshold
        passing = sorted((j for j in range(len(genres)) if s[j] >= cut[j]), key=lambda j: (-(s[j] - cut[j]), j))
        s[passing[rules["maxGenres"]:]] = 0
    on = [j for j in np.argsort(-s, kind="stable") if s[j] >= cut[j] and s[j] > 0]   # 1, 4. thresholds
    return [genres[j] for j in on] or [genres[int(np.argmax(s))]]


if __name__ == "__main__":
    import sys
    request = json.load(sys.stdin)
    json.dump([decide(c["scores"], request["side"], c.get("family")) for c in request["cases"]], sys.stdout)
