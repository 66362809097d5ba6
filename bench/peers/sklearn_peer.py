"""scikit-learn peer for `npm run bench` (bench/peers/sklearn.ts writes its inputs).

Reads train / validation / test JSON Lines ({"text": str, "labels": [int]}) and a CSV catalogue to score
(id,description), and prints one JSON object: train seconds, test micro/macro-F1 at a global threshold
tuned on validation, model size, and end-to-end scoring rate over the catalogue (read CSV, featurise,
score, write JSON Lines of id and genres: what Plotline's
`predict --input --scores none` row in the bench writes, with genre numbers where Plotline writes names),
plus the model-only rate (transform + decision_function).

Pipeline: word 1-2-gram TF-IDF (sublinear tf) + one-vs-rest LinearSVC, the fastest strong linear model
in the dataset README's table. Usage: python3 sklearn_peer.py WORKDIR NUM_GENRES
"""
import csv
import json
import pickle
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC


def read(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["labels"])
    return texts, labels


def main():
    work, k = sys.argv[1], int(sys.argv[2])
    binarizer = MultiLabelBinarizer(classes=list(range(k)))
    train_x, train_y = read(f"{work}/train.jsonl")
    val_x, val_y = read(f"{work}/validation.jsonl")
    test_x, test_y = read(f"{work}/test.jsonl")
    y_train = binarizer.fit_transform(train_y)
    y_val, y_test = binarizer.transform(val_y), binarizer.transform(test_y)

    started = time.perf_counter()
    cpu_started = time.process_time()
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        OneVsRestClassifier(LinearSVC(C=0.5, random_state=0)),
    )
    model.fit(train_x, y_train)
    train_seconds = time.perf_counter() - started
    train_cpu_seconds = time.process_time() - cpu_started

    # A global threshold on the decision values, tuned on validation (never on test).
    val_scores = model.decision_function(val_x)
    candidates = np.quantile(val_scores, np.linspace(0.5, 0.995, 200))
    best = max(candidates, key=lambda t: f1_score(y_val, val_scores > t, average="micro", zero_division=0))
    test_scores = model.decision_function(test_x)
    test_pred = test_scores > best
    size = len(pickle.dumps(model))

    # End to end over the catalogue, as `plotline predict --input` does it.
    started = time.perf_counter()
    with open(f"{work}/catalogue.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["description"] for r in rows]
    model_started = time.perf_counter()
    scores = model.decision_function(texts)
    model_seconds = time.perf_counter() - model_started
    with open(f"{work}/sklearn-out.jsonl", "w", encoding="utf-8") as out:
        for r, s in zip(rows, scores):
            genres = [int(g) for g in np.flatnonzero(s > best)] or [int(np.argmax(s))]
            out.write(json.dumps({"id": r["id"], "genres": genres}) + "\n")
    end_to_end = time.perf_counter() - started

    print(json.dumps({
        "trainSeconds": train_seconds,
        "trainCpuSeconds": train_cpu_seconds,
        "microF1": f1_score(y_test, test_pred, average="micro", zero_division=0),
        "macroF1": f1_score(y_test, test_pred, average="macro", zero_division=0),
        "sizeBytes": size,
        "rows": len(texts),
        "perSecond": len(texts) / end_to_end,
        "modelOnlyPerSecond": len(texts) / model_seconds,
    }))


if __name__ == "__main__":
    main()
