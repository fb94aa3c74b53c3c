"""PyTorch reference AI runner for PurrQuest (training protocol 2).

Reproduces the Swift trainer's arithmetic (Sources/NeuralCore/Training, Sources/ModelTraining) in
torch.float32 so that a coordinator replaying a committed segment lands within tolerance, and
speaks the runner side of docs/protocol.md (`train.*`) and docs/wire-format.md.

Modules, bottom up: ``rng`` (xoshiro256**), ``layout`` (model shape and parameter-vector order),
``safetensors_io``, ``model`` (forward/backward), ``optim`` (AdamW, clipping, learning rate),
``inner`` (the inner loop with checkpoints), ``int8`` (block quantisation, error feedback),
``frames`` (PQTF tensor frames), ``client`` (WebSocket JSON-RPC), ``protocol`` (what differs
between training protocols 1 and 2), ``runner`` (the round loop), ``__main__`` (CLI).
"""

__version__ = "0.1.0"
